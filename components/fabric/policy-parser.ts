/**
 * Parser for Fabric's signature policy language, e.g.
 *   AND('Org1MSP.member', OutOf(1, 'Org2MSP.peer', 'Org3MSP.admin'))
 * Gates: AND / OR / OutOf(t, ...) (spelled as Fabric accepts them: all
 * upper, all lower or capitalised). Principals: 'MSPID.role' in single or
 * double quotes, the MSP ID being everything before the LAST dot. Errors
 * point at the offending character.
 */
import { MSP_ID_CHARACTER } from "../validation/fabric";

export const POLICY_ROLES = ["member", "admin", "client", "peer", "orderer"] as const;
export type PolicyRole = (typeof POLICY_ROLES)[number];

export interface PolicyPrincipal {
    readonly kind: "principal";
    readonly mspId: string;
    readonly role: PolicyRole;
    /** Offset of the opening quote in the policy text. */
    readonly position: number;
}

export interface PolicyGate {
    readonly kind: "gate";
    /** How many of `rules` must be satisfied. */
    readonly threshold: number;
    readonly rules: readonly PolicyRule[];
    readonly position: number;
}

export type PolicyRule = PolicyGate | PolicyPrincipal;

/** A malformed policy; `position` is the 0-based offset of the offending character. */
export class PolicySyntaxError extends Error {
    constructor(
        readonly policy: string,
        readonly position: number,
        readonly reason: string,
    ) {
        super(
            `${reason} at character ${position + 1} of policy ${JSON.stringify(policy)}\n${pointAt(policy, position)}`,
        );
        this.name = "PolicySyntaxError";
    }
}

const GATE_SPELLINGS: Record<string, "and" | "or" | "outof"> = {
    AND: "and",
    And: "and",
    and: "and",
    OR: "or",
    Or: "or",
    or: "or",
    OUTOF: "outof",
    OutOf: "outof",
    outof: "outof",
};

export function parsePolicy(text: string): PolicyGate {
    if (typeof text !== "string") throw new PolicySyntaxError(String(text), 0, "the policy must be a string");
    const parser = new Parser(text);
    parser.skipWhitespace();
    if (parser.atEnd()) throw new PolicySyntaxError(text, 0, "the policy is empty; expected e.g. OR('Org1MSP.member')");
    if (parser.peek() === "'" || parser.peek() === '"') {
        throw new PolicySyntaxError(
            text,
            parser.offset,
            "a policy must start with a gate (AND, OR or OutOf), e.g. OR('Org1MSP.member'), not a bare principal",
        );
    }
    const gate = parser.gate();
    parser.skipWhitespace();
    if (!parser.atEnd())
        throw new PolicySyntaxError(
            text,
            parser.offset,
            `unexpected ${describeChar(parser.peek())} after the end of the policy`,
        );
    return gate;
}

class Parser {
    offset = 0;

    constructor(private readonly text: string) {}

    atEnd(): boolean {
        return this.offset >= this.text.length;
    }

    peek(): string {
        return this.text[this.offset];
    }

    skipWhitespace(): void {
        while (!this.atEnd() && /[ \t\r\n]/.test(this.peek())) this.offset++;
    }

    fail(reason: string, position = this.offset): never {
        throw new PolicySyntaxError(this.text, position, reason);
    }

    expect(char: string, what: string): void {
        this.skipWhitespace();
        if (this.peek() !== char)
            this.fail(
                `expected ${what} but found ${this.atEnd() ? "the end of the policy" : describeChar(this.peek())}`,
            );
        this.offset++;
    }

    gate(): PolicyGate {
        const start = this.offset;
        const name = this.word();
        if (name === "")
            this.fail(
                `expected a gate (AND, OR or OutOf) or a quoted principal but found ${this.atEnd() ? "the end of the policy" : describeChar(this.peek())}`,
            );
        const kind = GATE_SPELLINGS[name];
        if (!kind) {
            const hint = this.peek() === "." ? "; principals must be quoted, e.g. 'Org1MSP.member'" : "";
            this.fail(
                `unknown gate '${name}'; expected AND, OR or OutOf (all upper case, all lower case or capitalised)${hint}`,
                start,
            );
        }
        this.expect("(", `'(' after ${name}`);
        let threshold: number | undefined;
        let thresholdPosition = 0;
        if (kind === "outof") {
            this.skipWhitespace();
            thresholdPosition = this.offset;
            threshold = this.integer();
            this.expect(",", "',' after the OutOf threshold");
        }
        const rules: PolicyRule[] = [this.rule()];
        for (;;) {
            this.skipWhitespace();
            if (this.peek() === ",") {
                this.offset++;
                rules.push(this.rule());
            } else if (this.peek() === ")") {
                this.offset++;
                break;
            } else {
                this.fail(
                    `expected ',' or ')' in ${name}(...) but found ${this.atEnd() ? "the end of the policy" : describeChar(this.peek())}`,
                );
            }
        }
        if (kind === "and") threshold = rules.length;
        if (kind === "or") threshold = 1;
        if (threshold === undefined) throw new Error("unreachable: OutOf without threshold");
        if (threshold < 1 || threshold > rules.length) {
            this.fail(
                `OutOf threshold ${threshold} must be between 1 and the number of sub-policies (${rules.length})`,
                thresholdPosition,
            );
        }
        return { kind: "gate", threshold, rules, position: start };
    }

    rule(): PolicyRule {
        this.skipWhitespace();
        const char = this.peek();
        if (char === "'" || char === '"') return this.principal();
        if (char !== undefined && /[A-Za-z]/.test(char)) return this.gate();
        return this.fail(
            `expected a quoted principal such as 'Org1MSP.member' or a gate but found ${this.atEnd() ? "the end of the policy" : describeChar(char)}`,
        );
    }

    principal(): PolicyPrincipal {
        const start = this.offset;
        const quote = this.text[this.offset++];
        const contentStart = this.offset;
        while (!this.atEnd() && this.peek() !== quote) {
            if (!MSP_ID_CHARACTER.test(this.peek())) {
                this.fail(
                    `${describeChar(this.peek())} is not allowed in a principal; MSP IDs and roles use letters, digits, '.' and '-'`,
                );
            }
            this.offset++;
        }
        if (this.atEnd()) this.fail(`unterminated principal: missing closing ${quote}`, start);
        const content = this.text.slice(contentStart, this.offset);
        this.offset++;
        const lastDot = content.lastIndexOf(".");
        if (lastDot <= 0) {
            this.fail(
                `principal '${content}' needs the form 'MSPID.role' with role ${POLICY_ROLES.join(", ")}`,
                contentStart,
            );
        }
        const role = content.slice(lastDot + 1);
        if (!(POLICY_ROLES as readonly string[]).includes(role)) {
            this.fail(
                `unknown role '${role}' in principal '${content}'; expected one of ${POLICY_ROLES.join(", ")} (lower case)`,
                contentStart + lastDot + 1,
            );
        }
        return { kind: "principal", mspId: content.slice(0, lastDot), role: role as PolicyRole, position: start };
    }

    word(): string {
        const start = this.offset;
        while (!this.atEnd() && /[A-Za-z0-9_]/.test(this.peek())) this.offset++;
        return this.text.slice(start, this.offset);
    }

    integer(): number {
        const start = this.offset;
        while (!this.atEnd() && /[0-9]/.test(this.peek())) this.offset++;
        const digits = this.text.slice(start, this.offset);
        if (digits === "" || /[.eE]/.test(this.peek() ?? "")) {
            this.fail(
                "expected a whole number as the OutOf threshold, e.g. OutOf(2, 'A.member', 'B.member', 'C.member')",
                start,
            );
        }
        return Number(digits);
    }
}

function describeChar(char: string): string {
    return char === undefined ? "the end of the policy" : JSON.stringify(char);
}

/** The policy text with a caret under the offending character. */
function pointAt(text: string, position: number): string {
    const flat = text.replace(/[\t\r\n]/g, " ");
    return `  ${flat}\n  ${" ".repeat(Math.min(position, flat.length))}^`;
}
