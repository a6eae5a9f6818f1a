import "server-only";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

/** Gzip on libuv's thread pool, not the event loop. */
export const gzipBytes = promisify(gzip);

export class EncodedAnswer {
  private gzipped: Promise<Buffer> | null = null;

  constructor(readonly json: Buffer) {}

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
