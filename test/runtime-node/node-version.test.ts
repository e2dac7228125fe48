import { expect, test } from "bun:test";
import { nodeVersionProblem } from "../../runtime-node/node-version.ts";

test("Node releases with node:sqlite unflagged are accepted: 22.13+, 23.4+, 24 and later", () => {
  for (const v of ["22.13.0", "22.22.1", "23.4.0", "24.0.0", "26.3.0"]) expect(nodeVersionProblem(v)).toBeUndefined();
});

test("older releases are refused with the version and the minimum", () => {
  for (const v of ["20.20.2", "22.12.9", "23.3.0", "18.0.0"]) {
    expect(nodeVersionProblem(v)).toStartWith(`Node ${v} is too old: clawgate-node needs Node >= 22.13.0 (node:sqlite).`);
  }
});
