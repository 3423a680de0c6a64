/**
 * `PostgresPortal`: the portal steps of the shared cursor loop, on a
 * node-postgres client.
 *
 * Each step is one query object of the kind pg-cursor is (a `Submittable`),
 * queued on the client like any statement and ended by its own Sync: open is
 * Parse, Bind, Describe, Execute, Sync; each batch is Execute, Sync. Between
 * steps the client is idle, so the scope's other statements run in between
 * (pg-cursor ends its reads with Flush instead, and node-postgres holds every
 * other query back until the cursor is closed). Parameters are sent and rows
 * read exactly as `query()` sends and reads them (`serverParameters`,
 * node-postgres's own value mapping, `nodePostgresTypes`).
 *
 * @module
 */
import type pg from "pg";
import { prepareValue } from "pg/lib/utils.js";
import type { PortalBatch, PortalSteps } from "./portal-cursor.js";
import { RowBuilder, type ColumnDescription } from "./row-builder.js";
import { serverParameters } from "./server-parameters.js";

/** The part of node-postgres's connection a step writes to (its types leave out `sendCopyFail` and the stream). */
interface Wire {
  parse(query: { name: string; text: string; types: number[] }): void;
  bind(config: { portal: string; statement: string; values: unknown[]; valueMapper: (value: unknown) => unknown }): void;
  describe(msg: { type: "S" | "P"; name: string }): void;
  execute(config: { portal: string; rows: number }): void;
  close(msg: { type: "S" | "P"; name: string }): void;
  sync(): void;
  sendCopyFail(message: string): void;
  readonly stream: { cork?: () => void; uncork?: () => void };
}

/** One step: its messages, then the rows and the end of the portal as the server answers, until ReadyForQuery. */
class Step implements pg.Submittable {
  readonly promise: Promise<PortalBatch & { readonly columns: RowBuilder | undefined }>;
  readonly #client: pg.ClientBase;
  readonly #send: (wire: Wire) => void;
  #columns: RowBuilder | undefined;
  readonly #rows: Record<string, unknown>[] = [];
  #more = false;
  #failed = false;
  #resolve!: (batch: PortalBatch & { readonly columns: RowBuilder | undefined }) => void;
  #reject!: (err: unknown) => void;

  constructor(client: pg.ClientBase, send: (wire: Wire) => void, columns: RowBuilder | undefined) {
    this.#client = client;
    this.#send = send;
    this.#columns = columns;
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  submit(connection: pg.Connection): void {
    const wire = connection as unknown as Wire;
    // One write for all the messages, as node-postgres does for its own extended queries.
    wire.stream.cork?.();
    try {
      this.#send(wire);
    } finally {
      wire.stream.uncork?.();
    }
  }

  handleRowDescription(msg: { fields: ColumnDescription[] }): void {
    // The client's parsers, as its query() reads the same columns: nodePostgresTypes, or an override set on the client.
    const client = this.#client;
    this.#columns = new RowBuilder(msg.fields, (oid) => client.getTypeParser(oid, "text"));
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    if (!this.#failed) this.#rows.push((this.#columns as RowBuilder).build(msg.fields));
  }

  handlePortalSuspended(): void {
    this.#more = true;
  }

  handleCommandComplete(): void {
    this.#more = false;
  }

  handleEmptyQuery(): void {
    this.#more = false;
  }

  handleCopyInResponse(connection: pg.Connection): void {
    // The server ignores a Sync that arrives in copy mode (the one already sent), so one more ends the step.
    const wire = connection as unknown as Wire;
    wire.sendCopyFail("A stream cannot send data to COPY FROM STDIN.");
    wire.sync();
  }

  handleCopyData(): void {}

  handleError(err: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#reject(err);
  }

  handleReadyForQuery(): void {
    if (!this.#failed) this.#resolve({ rows: this.#rows, more: this.#more, columns: this.#columns });
  }
}

export class PostgresPortal implements PortalSteps {
  readonly #client: pg.ClientBase;

  constructor(client: pg.ClientBase) {
    this.#client = client;
  }

  async open(portal: string, sql: string, parameters: readonly unknown[], batchSize: number): Promise<PortalBatch & { readonly columns: RowBuilder | undefined }> {
    const values = await serverParameters(this.#client, sql, parameters);
    return this.#step((wire) => {
      wire.parse({ name: "", text: sql, types: [] });
      wire.bind({ portal, statement: "", values, valueMapper: prepareValue });
      wire.describe({ type: "P", name: portal });
      wire.execute({ portal, rows: batchSize });
      wire.sync();
    }, undefined);
  }

  execute(portal: string, batchSize: number, columns: RowBuilder | undefined): Promise<PortalBatch> {
    return this.#step((wire) => {
      wire.execute({ portal, rows: batchSize });
      wire.sync();
    }, columns);
  }

  async close(portal: string): Promise<void> {
    await this.#step((wire) => {
      wire.close({ type: "P", name: portal });
      wire.sync();
    }, undefined);
  }

  #step(send: (wire: Wire) => void, columns: RowBuilder | undefined): Promise<PortalBatch & { readonly columns: RowBuilder | undefined }> {
    return this.#client.query(new Step(this.#client, send, columns)).promise;
  }
}
