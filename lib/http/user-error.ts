import "server-only";
import { isAccessError } from "../auth/access";
import { isConfigError } from "../config";
import { describeError, log } from "../log";
import { isNsightError } from "../nsight/errors";

export interface UserFacingError {
  title: string;
  message: string;
  notFound: boolean;
}

export function toUserError(error: unknown, what: string): UserFacingError {
  // Refused: the page says it does not exist, which tells nothing about what does.
  if (isAccessError(error)) return { title: `${what} not found`, message: "There is nothing here you may see.", notFound: true };
  if (isNsightError(error)) {
    if (error.kind === "not_found") return { title: `${what} not found`, message: error.message, notFound: true };
    return { title: `Could not load ${what.toLowerCase()}`, message: error.message, notFound: false };
  }
  if (isConfigError(error)) {
    log("error", "page.config_error", { error: error.message });
    return { title: "Not configured", message: "The dashboard is not configured correctly; see the server log.", notFound: false };
  }
  log("error", "page.unexpected_error", { what, error: describeError(error) });
  return { title: `Could not load ${what.toLowerCase()}`, message: "Something went wrong on the server.", notFound: false };
}
