/**
 * `serverParameters`: a statement's parameters as the server must receive
 * them to store what PGlite stores (value-parsers.ts), for `query()` and for
 * streams alike.
 *
 * @module
 */
import type pg from "pg";
import { needsParameterTypes, toServerParameter } from "./value-parsers.js";

/**
 * Asks the server for a statement's parameter types (Parse + Describe), as
 * PGlite does before every statement; node-postgres has no call for it, so
 * this is a query object of the kind pg-cursor is. Only used when a parameter
 * is an array, whose meaning depends on the type (JSON or a PostgreSQL array).
 */
class ParameterTypes implements pg.Submittable {
  readonly promise: Promise<number[]>;
  readonly #text: string;
  #types: number[] = [];
  #connection: pg.Connection | undefined;
  #resolve!: (types: number[]) => void;
  #reject!: (err: unknown) => void;
  readonly #onDescription = (msg: { dataTypeIDs?: number[] }) => {
    this.#types = msg.dataTypeIDs ?? [];
  };

  constructor(text: string) {
    this.#text = text;
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  submit(connection: pg.Connection): void {
    this.#connection = connection;
    connection.on("parameterDescription", this.#onDescription);
    connection.parse({ name: "", text: this.#text, types: [] }, true);
    connection.describe({ type: "S", name: "" }, true);
    connection.sync();
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}

  handleError(err: unknown): void {
    this.#detach();
    this.#reject(err);
  }

  handleReadyForQuery(): void {
    this.#detach();
    this.#resolve(this.#types);
  }

  #detach(): void {
    this.#connection?.removeListener("parameterDescription", this.#onDescription);
  }
}

/**
 * `parameters` mapped by `toServerParameter`; when one of them is an array,
 * first asks the server for the statement's parameter types (one more round
 * trip), since an array means JSON for a `json` parameter and a PostgreSQL
 * array anywhere else.
 */
export async function serverParameters(client: pg.ClientBase, sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
  if (!needsParameterTypes(parameters)) return parameters.map((value) => toServerParameter(value));
  const types = await client.query(new ParameterTypes(sql)).promise;
  return parameters.map((value, i) => toServerParameter(value, types[i]));
}
