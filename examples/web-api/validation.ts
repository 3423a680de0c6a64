/**
 * What the API accepts: zod schemas for each body, query and path (the
 * pydantic models of the FastAPI version), and the middleware that applies
 * them, answering 415 or 422 before a request takes a connection.
 *
 * @module
 */
import { validator } from "hono/validator";
import { z } from "zod";

// A lone surrogate: JSON can carry one ("\ud800"), UTF-8 cannot, so the database would store U+FFFD instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A string PostgreSQL stores as given, of 1 to `max` characters: no NUL
 * (text columns cannot hold one) and no lone surrogate (UTF-8 cannot).
 */
function storable(max: number, trimmed: boolean) {
  return (trimmed ? z.string().trim() : z.string())
    .min(1)
    .max(max)
    .refine((s) => !s.includes("\0"), "must not contain the NUL character (\\u0000)")
    .refine((s) => !LONE_SURROGATE.test(s), "must be well-formed Unicode (it holds a lone surrogate)");
}

/** A whole number written in plain decimal digits: `Number()` would also take "0x10", "1e1" and " 1 ". */
function digits(min: number, max: number) {
  return z
    .string()
    .regex(/^(0|[1-9][0-9]{0,14})$/, "must be a whole number written in decimal digits, without leading zeros")
    .transform(Number)
    .pipe(z.number().min(min).max(max));
}

/** Body of `POST /employees`. */
export const EmployeeIn = z.strictObject({
  name: storable(100, true),
  city: storable(100, true),
  salary: z.number().int().min(0).max(10_000_000),
});

/** Query of `GET /employees`: one page of rows. */
export const PageQuery = z.object({
  limit: digits(1, 100).default(20),
  offset: digits(0, Number.MAX_SAFE_INTEGER).default(0),
});

/** Path of `GET /employees/:id`: an id of the `integer` column. */
export const EmployeeId = z.object({ id: digits(1, 2_147_483_647) });

/** Form of `POST /token` (OAuth2 password flow); a username as long as the column allows. */
export const Credentials = z.object({
  username: storable(50, false),
  password: z.string().min(1).max(1024),
});

type Target = "json" | "form" | "query" | "param";
const PLACE: Record<Target, string> = { json: "body", form: "form", query: "query", param: "path" };
const MEDIA: Partial<Record<Target, { test: RegExp; expected: string }>> = {
  json: { test: /^application\/json\s*(;|$)/i, expected: "application/json" },
  form: { test: /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i, expected: "application/x-www-form-urlencoded" },
};

/** What a 422 says: each bad field by name, and what is wrong with it. */
export function describeIssues(target: Target, error: z.ZodError): { error: string; issues: { field: string; message: string }[] } {
  const issues = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join(".") : "keys" in issue ? issue.keys.join(", ") : "(root)",
    message: issue.message,
  }));
  const list = issues.map((i) => `${i.field}: ${i.message}`).join("; ");
  return { error: `Invalid ${PLACE[target]}: ${list}.`, issues };
}

/**
 * Parses one part of the request with a zod schema. A body sent with another
 * Content-Type answers 415 (Hono would hand the schema an empty object, and
 * the 422 would blame every field); one that does not fit answers 422 naming each field.
 */
export function valid<T extends Target, S extends z.ZodType>(target: T, schema: S) {
  return validator(target, (value, c) => {
    const media = MEDIA[target];
    if (media && !media.test.test(c.req.header("Content-Type") ?? "")) {
      return c.json({ error: `The request ${PLACE[target]} must be sent as Content-Type: ${media.expected}.` }, 415);
    }
    const result = schema.safeParse(value);
    return result.success ? (result.data as z.output<S>) : c.json(describeIssues(target, result.error), 422);
  });
}
