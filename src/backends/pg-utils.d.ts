// node-postgres's own mapping of a JS value to a parameter's text (what its
// query() applies to every value), exported by pg's package.json as
// "./lib/*"; @types/pg does not describe it.
declare module "pg/lib/utils.js" {
  export function prepareValue(value: unknown): unknown;
}
