// Typed errors that every layer understands; the HTTP layer maps each to one status.
export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends Error {
  constructor(
    readonly details: FieldProblem[],
    message = 'The request has invalid fields',
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  constructor(readonly entity: string) {
    super(`${entity} not found`);
  }
}

/** A write based on a stale version, or a state that forbids the change. */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export class AuthError extends Error {}

/** Authenticated, but not allowed: a disabled practice, or a role without the right. */
export class ForbiddenError extends Error {}
