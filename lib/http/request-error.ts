export class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RequestError";
  }
}

export class MissingError extends RequestError {
  constructor(message: string) {
    super(message);
    this.name = "MissingError";
  }
}
