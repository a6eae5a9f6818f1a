import "server-only";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

/** Gzip on libuv's thread pool, not the event loop. */
export const gzipBytes = promisify(gzip);

/**
 * A complete JSON answer encoded once and sent to everyone who asks within a cache period,
 * as is or gzipped (see precompressed.mjs for why we gzip, not Next.js).
 */
export class EncodedAnswer {
  private gzipped: Promise<Buffer> | null = null;

  constructor(readonly json: Buffer) {}

  /** The gzip bytes, made once on first demand. */
  gzip(): Promise<Buffer> {
    if (!this.gzipped) {
      this.gzipped = gzipBytes(this.json);
      this.gzipped.catch(() => {
        this.gzipped = null;
      });
    }
    return this.gzipped;
  }
}
