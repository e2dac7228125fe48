/**
 * The zod clawgate validates with: zod/mini, whose schemas are plain data
 * checked by shared functions. Classic zod gives every schema instance some
 * fifty method closures; with the ~700 schemas of config and RPC params that
 * cost 2 MB of idle RSS (bench binary-budget). Mini loads
 * no messages by default, so the English ones classic zod shows are set here:
 * every error text clients and logs see stays the same.
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

z.config(en());

export { z };
