import "server-only";
import type { BackupSession } from "../types";
import { FlatRecordStream } from "./flat-records";
import type { DropReporter } from "./records";
import { mapSessions, SESSION_FIELDS, sessionFromValues, sortSessionsByStart } from "./session-records";
import { parseAnswer, type AnswerReader } from "./transport";

/** Maps each session as its end tag arrives; anything the fast path does not expect goes to the strict reader with the whole text. */
export class SessionAnswerReader implements AnswerReader<BackupSession[]> {
  private readonly pieces: string[] = [];
  private readonly sessions: BackupSession[] = [];
  private readonly flat: FlatRecordStream;
  private dropped = 0;

  constructor(
    private readonly service: string,
    private readonly onDrop?: DropReporter,
  ) {
    this.flat = new FlatRecordStream(
      "result",
      "session",
      SESSION_FIELDS,
      (values) => {
        const session = sessionFromValues(values);
        if (session) this.sessions.push(session);
        else this.dropped++;
      },
      (attrs) => attrs.status === "OK",
    );
  }

  write(text: string): void {
    this.pieces.push(text);
    if (this.flat.ok) this.flat.write(text);
  }

  end(): BackupSession[] {
    if (!this.flat.end()) return mapSessions(parseAnswer(this.pieces.join(""), this.service), this.onDrop);
    for (let i = 0; i < this.dropped; i++) this.onDrop?.(this.service, "session without a session_id");
    return sortSessionsByStart(this.sessions);
  }
}
