// Turns PostgreSQL constraint violations into the API's typed errors, naming the field.
import { ConflictError, ValidationError } from '../../core/errors.ts';
import type { RecordDefinition } from './definition.ts';

interface PgError {
  code?: string;
  constraint?: string;
  column?: string;
  detail?: string;
}

function fieldFor(def: RecordDefinition, column: string | undefined): string {
  return def.columns.find((c) => c.column === column)?.path ?? column ?? 'body';
}

export function translateDbError(error: unknown, def: RecordDefinition): never {
  const e = error as PgError;
  switch (e.code) {
    case '23P01': // exclusion: the appointment overlaps another for the same resource
      throw new ConflictError('the resource is already booked at that time', [
        { field: 'start', message: 'overlaps another appointment of this resource' },
      ]);
    case '23503': {
      // foreign key: "(practice_id, patient_id)=(...)"
      const column = /\(practice_id, (\w+)\)/.exec(e.detail ?? '')?.[1];
      throw new ValidationError([
        { field: fieldFor(def, column), message: 'refers to a record that does not exist in this practice' },
      ]);
    }
    case '23514': // check constraint
      throw new ValidationError([
        { field: fieldFor(def, e.column), message: `violates rule ${e.constraint ?? ''}`.trim() },
      ]);
    case '23505': {
      // unique index: "Key (practice_id, number)=(...)"; the column is named, never the value
      const column = e.column ?? /^Key \((?:practice_id, )?(\w+)\)/.exec(e.detail ?? '')?.[1];
      throw new ConflictError('a record with the same unique value exists', [
        { field: fieldFor(def, column), message: 'must be unique in this practice' },
      ]);
    }
    case '40001':
    case '40P01': // still conflicting after retryingConflicts' attempts
      throw new ConflictError('the change conflicted with concurrent changes; send it again');
    case '23502':
      throw new ValidationError([{ field: fieldFor(def, e.column), message: 'is required' }]);
    case '22P02':
    case '22007':
    case '22008':
      throw new ValidationError([{ field: 'body', message: 'contains a value of the wrong type' }]);
    default:
      throw error;
  }
}
