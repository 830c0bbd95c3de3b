import {
  BrokenReferenceError,
  FieldNotAllowedError,
  InvalidCursorError,
  InvalidReferencesError,
  ValidationError,
  type ReferenceProblem,
  type SpecField,
} from '#domain/model/errors.ts';

/** Where each spec field is in a request body (API.md). */
const FIELD_PATHS: Record<SpecField, string> = {
  'target.type': 'type',
  'logSource.mode': 'mode',
  'logSource.filePath': 'config.path',
  'monitor.modelId': 'model.model_id',
  'preview.useModel': 'use_model',
  'feedback.findingIndex': 'finding_index',
  'feedback.note': 'note',
  'monitor.schedule': 'schedule',
};

/** The request field a reference problem is about, in API.md's path style. */
export function referencePath(problem: ReferenceProblem): string {
  const { reference } = problem;
  if (reference.kind === 'target') return 'target_id';
  if (reference.inputIndex === undefined) return 'log_source_id';
  return `inputs[${reference.inputIndex}].${problem.reason === 'input_mode' ? 'mode' : 'log_source_id'}`;
}

const issueOf = (problem: ReferenceProblem) => ({ path: referencePath(problem), message: problem.message });

/**
 * Domain errors that carry data (which reference, which field, which cursor) as the
 * ValidationError that names the request field; any other error is returned unchanged. The one
 * place the domain's words become the API's field names.
 */
export function toApiError(error: unknown): unknown {
  if (error instanceof FieldNotAllowedError) return ValidationError.field(FIELD_PATHS[error.field], error.message, { cause: error });
  if (error instanceof InvalidCursorError) {
    return ValidationError.field('next_token', 'is not a token from this list', { cause: error });
  }
  if (error instanceof BrokenReferenceError) {
    return ValidationError.field(referencePath(error.problem), error.problem.message, { cause: error });
  }
  if (error instanceof InvalidReferencesError) return ValidationError.fields(error.problems.map(issueOf), { cause: error });
  return error;
}
