/**
 * Jupyter messaging protocol 5.3: building, signing and parsing the frames that
 * travel over the kernel's ZeroMQ sockets.
 *
 * @module
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/** Protocol version this client speaks; tslab answers with the same. */
export const PROTOCOL_VERSION = "5.3";

// Everything before this frame is the ZeroMQ routing prefix (or, on iopub, the topic).
const DELIMITER = Buffer.from("<IDS|MSG>");

/** The header every Jupyter message carries. */
export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded Jupyter message; `parent_header` is empty for unsolicited messages. */
export interface JupyterMessage {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

/**
 * Builds a request message for the given session; `msg_id` is a fresh UUID
 * that the kernel echoes back as the parent of every reply and output.
 */
export function createMessage(
  session: string,
  msgType: string,
  content: Record<string, unknown>,
): JupyterMessage {
  return {
    header: {
      msg_id: randomUUID(),
      session,
      username: "pglite-lab",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: {},
    metadata: {},
    content,
  };
}

/**
 * Serializes and signs a message into the frames a DEALER socket sends.
 *
 * The signature is HMAC-SHA256 over header, parent header, metadata and
 * content, exactly as serialized, keyed with the connection file's key.
 */
export function encodeMessage(key: string, msg: JupyterMessage): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((part) =>
    Buffer.from(JSON.stringify(part)),
  );
  return [DELIMITER, Buffer.from(sign(key, parts)), ...parts];
}

/**
 * Parses the frames of a received message and checks their signature.
 *
 * @throws Error when the delimiter is missing or the signature does not match,
 * which means the frames did not come from our kernel.
 */
export function decodeMessage(key: string, frames: readonly Buffer[]): JupyterMessage {
  const delimiterAt = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (delimiterAt < 0) throw new Error("A Jupyter message arrived without its <IDS|MSG> delimiter.");
  const signature = frames[delimiterAt + 1]?.toString() ?? "";
  const parts = frames.slice(delimiterAt + 2, delimiterAt + 6);
  if (parts.length < 4) throw new Error("A Jupyter message arrived with fewer than four parts.");
  const expected = Buffer.from(sign(key, parts));
  const actual = Buffer.from(signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new Error("A Jupyter message arrived with an invalid HMAC signature.");
  }
  const [header, parent, metadata, content] = parts.map((part) => JSON.parse(part.toString()) as unknown);
  return {
    header: header as MessageHeader,
    parent_header: (parent ?? {}) as Partial<MessageHeader>,
    metadata: (metadata ?? {}) as Record<string, unknown>,
    content: (content ?? {}) as Record<string, unknown>,
  };
}

function sign(key: string, parts: readonly Buffer[]): string {
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}
