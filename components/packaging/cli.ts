#!/usr/bin/env node
/*
 * ccaas-package: writes a deterministic chaincode-as-a-service package and
 * prints its package ID (and nothing else) on stdout. Bad arguments: a
 * message on stderr and exit code 2.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { InvalidSettingError } from "../validation/errors";
import { DEFAULT_DIAL_TIMEOUT } from "./connection-json";
import type { CouchDbIndexInput } from "./couchdb-indexes";
import { CHAINCODE_PACKAGE_TYPES, type ChaincodePackageType } from "./metadata";
import { writeFileAtomically } from "./atomic-write";
import { buildChaincodePackage, type ChaincodePackageInput } from "./package";

const USAGE = `Usage: ccaas-package --label <label> --address <host:port> --out <file.tgz> [options]

Writes a chaincode-as-a-service package and prints its package ID on stdout.
The same inputs always give the same bytes, hence the same package ID.

Required:
  --label <label>                 package label, e.g. basic_1.0
  --address <host:port>           where the peer dials the chaincode server
  --out <file.tgz>                package file to write

Options:
  --type ccaas|external           builder type (default: ccaas)
  --dial-timeout <duration>       Go duration, e.g. 500ms, 10s (default: ${DEFAULT_DIAL_TIMEOUT})
  --tls-root-cert <ca.pem>        CA of the chaincode server's certificate; turns TLS on
  --client-cert <cert.pem>        peer's client certificate; with --client-key turns client auth on
  --client-key <key.pem>          its private key (the package then contains a secret)
  --couchdb-index <file.json>     CouchDB index, named after the file (repeatable)
  --couchdb-collection-index <collection>=<file.json>
                                  CouchDB index of a private data collection (repeatable)
  --help                          show this help

Exit codes: 0 written, 2 bad arguments or input, 1 anything else.
`;

/** A user mistake: printed without a stack trace, exit code 2. */
class UsageError extends Error {}

/** Which flag each package setting comes from, so errors speak the user's words. */
interface Origins {
    readonly settings: Map<string, string>;
}

function readInputFile(flag: string, file: string): string {
    try {
        return readFileSync(file, "utf8");
    } catch (err) {
        throw new UsageError(
            `cannot read ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
    }
}

/** The flags, as node's parser reads them (strict: an unknown flag is an error). */
function parseCommandLineOptions(argv: string[]) {
    return parseArgs({
        args: argv,
        strict: true,
        tokens: true,
        allowPositionals: false,
        options: {
            label: { type: "string" },
            address: { type: "string" },
            out: { type: "string" },
            type: { type: "string" },
            "dial-timeout": { type: "string" },
            "tls-root-cert": { type: "string" },
            "client-cert": { type: "string" },
            "client-key": { type: "string" },
            "couchdb-index": { type: "string", multiple: true },
            "couchdb-collection-index": { type: "string", multiple: true },
            help: { type: "boolean" },
        },
    });
}

function parseCommandLine(argv: string[]): { input: ChaincodePackageInput; out: string; origins: Origins } | "help" {
    let parsed: ReturnType<typeof parseCommandLineOptions>;
    try {
        parsed = parseCommandLineOptions(argv);
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
    const options = parsed.values;
    if (options.help) return "help";
    // Node's parser keeps the last of a repeated flag; two labels or outputs are a mistake, not a choice.
    const seen = new Set<string>();
    for (const token of parsed.tokens ?? []) {
        if (token.kind !== "option" || token.name.startsWith("couchdb-")) continue;
        if (seen.has(token.name)) throw new UsageError(`--${token.name} given twice; give it once`);
        seen.add(token.name);
    }
    for (const flag of ["label", "address", "out"] as const) {
        if (options[flag] === undefined) throw new UsageError(`missing --${flag}`);
    }
    const type = options.type ?? "ccaas";
    if (!(CHAINCODE_PACKAGE_TYPES as readonly string[]).includes(type)) {
        throw new UsageError(
            `invalid --type: ${JSON.stringify(type)}; expected one of ${CHAINCODE_PACKAGE_TYPES.join(", ")}`,
        );
    }
    if ((options["client-cert"] === undefined) !== (options["client-key"] === undefined)) {
        throw new UsageError("--client-cert and --client-key go together: give both or neither");
    }
    if (options["client-cert"] !== undefined && options["tls-root-cert"] === undefined) {
        throw new UsageError("--client-cert and --client-key need --tls-root-cert: client auth only exists with TLS");
    }

    const settings = new Map<string, string>([
        ["label", "--label"],
        ["address", "--address"],
        ["type", "--type"],
        ["dialTimeout", "--dial-timeout"],
        ["tls.rootCertPem", `--tls-root-cert ${options["tls-root-cert"]}`],
        ["tls.clientAuth.clientCertPem", `--client-cert ${options["client-cert"]}`],
        ["tls.clientAuth.clientKeyPem", `--client-key ${options["client-key"]}`],
    ]);
    const couchDbIndexes: CouchDbIndexInput[] = [];
    for (const file of options["couchdb-index"] ?? []) {
        settings.set(`couchDbIndexes[${couchDbIndexes.length}]`, `--couchdb-index ${file}`);
        couchDbIndexes.push({ name: basename(file), definition: readInputFile("--couchdb-index", file) });
    }
    for (const spec of options["couchdb-collection-index"] ?? []) {
        const equals = spec.indexOf("=");
        if (equals <= 0 || equals === spec.length - 1) {
            throw new UsageError(
                `invalid --couchdb-collection-index: ${JSON.stringify(spec)}; expected <collection>=<file.json>`,
            );
        }
        const file = spec.slice(equals + 1);
        settings.set(`couchDbIndexes[${couchDbIndexes.length}]`, `--couchdb-collection-index ${spec}`);
        couchDbIndexes.push({
            name: basename(file),
            collection: spec.slice(0, equals),
            definition: readInputFile("--couchdb-collection-index", file),
        });
    }

    const rootCert = options["tls-root-cert"];
    const clientCert = options["client-cert"];
    const clientKey = options["client-key"];
    const input: ChaincodePackageInput = {
        label: options.label!,
        address: options.address!,
        type: type as ChaincodePackageType,
        ...(options["dial-timeout"] === undefined ? {} : { dialTimeout: options["dial-timeout"] }),
        ...(rootCert === undefined
            ? {}
            : {
                  tls: {
                      rootCertPem: readInputFile("--tls-root-cert", rootCert),
                      ...(clientCert === undefined || clientKey === undefined
                          ? {}
                          : {
                                clientAuth: {
                                    clientCertPem: readInputFile("--client-cert", clientCert),
                                    clientKeyPem: readInputFile("--client-key", clientKey),
                                },
                            }),
                  },
              }),
        couchDbIndexes,
    };
    return { input, out: options.out!, origins: { settings } };
}

/** Rewrites "invalid couchDbIndexes[1].definition: ..." as "invalid --couchdb-index x.json (definition): ...". */
function describeForCommandLine(err: InvalidSettingError, origins: Origins): string {
    const direct = origins.settings.get(err.setting);
    if (direct !== undefined) return err.message.replace(`invalid ${err.setting}:`, `invalid ${direct}:`);
    const indexed = /^(couchDbIndexes\[\d+\])\.(\w+)$/.exec(err.setting);
    const flag = indexed === null ? undefined : origins.settings.get(indexed[1]);
    if (indexed !== null && flag !== undefined) {
        return err.message.replace(`invalid ${err.setting}:`, `invalid ${flag} (${indexed[2]}):`);
    }
    return err.message;
}

function main(argv: string[]): number {
    let command: ReturnType<typeof parseCommandLine> | undefined;
    try {
        command = parseCommandLine(argv);
        if (command === "help") {
            process.stdout.write(USAGE);
            return 0;
        }
        const pkg = buildChaincodePackage(command.input);
        try {
            writeFileAtomically(command.out, pkg.bytes, pkg.containsPrivateKey);
        } catch (err) {
            const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
            throw new UsageError(`cannot write --out ${command.out}: ${reason}`);
        }
        process.stdout.write(`${pkg.packageId}\n`);
        return 0;
    } catch (err) {
        if (err instanceof UsageError) {
            process.stderr.write(`ccaas-package: ${err.message}\nRun ccaas-package --help for usage.\n`);
            return 2;
        }
        if (err instanceof InvalidSettingError) {
            const origins = command !== undefined && command !== "help" ? command.origins : { settings: new Map() };
            process.stderr.write(`ccaas-package: ${describeForCommandLine(err, origins)}\n`);
            return 2;
        }
        process.stderr.write(`ccaas-package: ${(err as Error).message}\n`);
        return 1;
    }
}

process.exitCode = main(process.argv.slice(2));
