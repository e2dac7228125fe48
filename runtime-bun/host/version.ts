/** clawgate's own version, from package.json, embedded at build time by the bundler. */
import pkg from "../../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
