import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One logger and metrics per container. They read POWERTOOLS_* settings themselves and make no
 * network calls when created.
 *
 * There is no Powertools tracer: it brings the X-Ray SDK (with cls-hooked and semver, ~125 KB
 * minified, and async hooks on every promise) into each bundle. Active tracing stays on
 * (VigilFunction), so X-Ray still records each invocation's initialization, invocation and
 * overhead; AWS calls are not subsegments of it.
 */
export const logger = new Logger({ serviceName: 'vigil' });
export const metrics = new Metrics({ namespace: 'Vigil', serviceName: 'vigil' });
