export class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RequestError";
  }
}

/** A request for something of the dashboard's own (a user, a token) that does not exist: 404. */
export class MissingError extends RequestError {
  constructor(message: string) {
    super(message);
    this.name = "MissingError";
  }
}
