/**
 * `PglitePortal`: the portal steps of the shared cursor loop, on PGlite's
 * wire protocol (`execProtocolRawStream`).
 *
 * Each step is one call into PGlite, made under PGlite's own query lock so
 * that no other query's messages come in between: open is Parse, Describe,
 * Bind, Execute, Sync (in two calls when there are parameters, whose types
 * the Describe tells, as `query()` does it); each batch is Execute, Sync.
 * Parameters are sent and rows read exactly as `query()` sends and reads them
 * (PGlite's serializers; `pgliteParsers`, then PGlite's own parsers), so a
 * streamed row equals a fetched one.
 *
 * @module
 */
import { Buffer } from "../internal/node-buffer.js";
import { protocol, type PGlite } from "@electric-sql/pglite";
import type { PortalBatch, PortalSteps } from "./portal-cursor.js";
import type { RowBuilder } from "./row-builder.js";
import { pgliteParsers } from "./value-parsers.js";
import { WireReader, type Exchange } from "./wire-reader.js";

const wire = protocol.serialize;
const SYNC = wire.sync();

export class PglitePortal implements PortalSteps {
  readonly #db: PGlite;
  readonly #reader: WireReader;

  constructor(db: PGlite) {
    this.#db = db;
    const parsers = db.parsers;
    this.#reader = new WireReader((oid) => pgliteParsers[oid] ?? parsers[oid]);
  }

  open(portal: string, sql: string, parameters: readonly unknown[], batchSize: number): Promise<PortalBatch & { readonly columns: RowBuilder | undefined }> {
    return this.#db.runExclusive(async () => {
      const parse = wire.parse({ text: sql });
      const describe = wire.describe({ type: "S" });
      const run = wire.execute({ portal, rows: batchSize });
      if (parameters.length === 0) {
        return this.#exchange([parse, describe, wire.bind({ portal, values: [] }), run, SYNC], undefined, sql, parameters);
      }
      let synced = false;
      try {
        // No Sync yet: the unnamed statement must stay ours until it is bound.
        const described = await this.#exchange([parse, describe], undefined, sql, parameters);
        const values = this.#serialize(parameters, described.parameterTypes);
        synced = true;
        return await this.#exchange([wire.bind({ portal, values }), run, SYNC], described.columns, sql, parameters);
      } finally {
        if (!synced) await this.#exchange([SYNC], undefined, sql, parameters).catch(() => undefined);
      }
    });
  }

  execute(portal: string, batchSize: number, columns: RowBuilder | undefined): Promise<PortalBatch> {
    return this.#db.runExclusive(() => this.#exchange([wire.execute({ portal, rows: batchSize }), SYNC], columns, "", []));
  }

  async close(portal: string): Promise<void> {
    await this.#db.runExclusive(() => this.#exchange([wire.close({ type: "P", name: portal }), SYNC], undefined, "", []));
  }

  /** Sends `messages` in one call; throws the first ErrorResponse, as `query()` would, once all of it was answered. */
  async #exchange(messages: Uint8Array[], columns: RowBuilder | undefined, sql: string, parameters: readonly unknown[]): Promise<Exchange> {
    const reader = this.#reader;
    reader.begin(columns);
    // Nothing is committed by a step (a stream runs inside a transaction), so there is nothing to sync to the file system.
    await this.#db.execProtocolRawStream(Buffer.concat(messages), { syncToFs: false, onRawData: (chunk) => reader.push(chunk) });
    const exchange = reader.end();
    if (exchange.error) throw Object.assign(exchange.error, { query: sql, params: parameters });
    return exchange;
  }

  /** Parameters as `query()` sends them: PGlite's serializer for the parameter's type, else the value's text. */
  #serialize(parameters: readonly unknown[], types: readonly number[]): (string | null)[] {
    const serializers = this.#db.serializers;
    return parameters.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serialize = serializers[types[i] as number];
      return serialize ? (serialize(value) as string) : (value as { toString(): string }).toString();
    });
  }
}
