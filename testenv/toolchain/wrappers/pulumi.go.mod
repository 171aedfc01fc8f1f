// Wrapper module: builds the Pulumi CLI from the published pkg/v3 module,
// whose own go.mod (replace directives) `go install pkg@version` refuses.
module ccaas.local/toolchain/pulumi

go 1.25.11

require (
	github.com/pulumi/pulumi/pkg/v3 v@PULUMI_VERSION@
	github.com/pulumi/pulumi/sdk/v3 v@PULUMI_VERSION@
)

// The one fork replace the CLI needs (from pkg/go.mod).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e

tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
