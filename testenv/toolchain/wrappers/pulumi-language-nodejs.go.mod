// Wrapper module: builds the Node language host from sdk/v3, the last
// published module that still carries it (sdk/go.mod has a replace, so
// `go install pkg@version` refuses it).
module ccaas.local/toolchain/pulumi-language-nodejs

go 1.24

require github.com/pulumi/pulumi/sdk/v3 v@LANGHOST_VERSION@

tool github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
