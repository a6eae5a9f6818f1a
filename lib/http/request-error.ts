/** A problem with the caller's request (a malformed id or parameter): answered with 400. */
export class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RequestError";
  }
}
