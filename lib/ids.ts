const ID = /^[1-9][0-9]{0,17}$/;

/** N-sight ids are positive decimal integers; anything else never leaves this server. */
export function isNsightId(value: string): boolean {
  return ID.test(value);
}
