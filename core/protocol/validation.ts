/**
 * Turns zod issues into the validator text real clients and users see, in the
 * shape the real gateway prints ("at /client/id: must be equal to one of the
 * allowed values", "at root: unexpected property 'bogus'"; spec §1.7).
 * Runtime-agnostic.
 */
import type { z } from "../zod.ts";

function pointer(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "root" : "/" + path.map(String).join("/");
}

function describe(issue: z.core.$ZodIssue): { path: readonly PropertyKey[]; text: string } {
  switch (issue.code) {
    case "unrecognized_keys":
      return { path: issue.path, text: `unexpected property '${issue.keys[0]}'` };
    case "invalid_value":
      return { path: issue.path, text: "must be equal to one of the allowed values" };
    case "invalid_type":
      // A missing key is reported at its parent, as the real validator does.
      if (issue.input === undefined && issue.path.length > 0) {
        return { path: issue.path.slice(0, -1), text: `must have required property '${String(issue.path.at(-1))}'` };
      }
      return { path: issue.path, text: `must be ${issue.expected === "int" ? "integer" : issue.expected}` };
    case "too_small":
      return {
        path: issue.path,
        text: issue.origin === "string" ? `must NOT have fewer than ${issue.minimum} characters`
          : issue.origin === "array" ? `must NOT have fewer than ${issue.minimum} items`
          : `must be >= ${issue.minimum}`,
      };
    case "too_big":
      return {
        path: issue.path,
        text: issue.origin === "string" ? `must NOT have more than ${issue.maximum} characters`
          : issue.origin === "array" ? `must NOT have more than ${issue.maximum} items`
          : `must be <= ${issue.maximum}`,
      };
    default:
      return { path: issue.path, text: issue.message };
  }
}

/**
 * One line naming every problem, e.g. `at root: unexpected property 'bogus'`.
 * Parse with `{ reportInput: true }` so a missing key can be told from a wrong type.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => {
    const { path, text } = describe(issue);
    return `at ${pointer(path)}: ${text}`;
  }).join("; ");
}
