import "server-only";
import type { BackupSession } from "../types";
import { FlatRecordStream } from "./flat-records";
import type { DropReporter } from "./records";
import { mapSessions, SESSION_FIELDS, sessionFromValues, sortSessionsByStart } from "./session-records";
import { parseAnswer, type AnswerReader } from "./transport";

/**
 * Reads a list_mob_sessions answer while it arrives: the flat fast path maps each session
 * as soon as its end tag is in, so when the last byte comes only the sort is left. Anything
 * the fast path does not expect (an error answer, an unusual shape, a syntax error) goes to
 * the general strict reader with the whole text, which explains or accepts it.
 */
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
