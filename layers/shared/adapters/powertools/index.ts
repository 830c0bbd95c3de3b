import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One logger, metrics and tracer per container. They read POWERTOOLS_* settings themselves
 * and make no network calls when created; outside Lambda the tracer is off.
 */
export const logger = new Logger({ serviceName: 'vigil' });
export const metrics = new Metrics({ namespace: 'Vigil', serviceName: 'vigil' });
export const tracer = new Tracer({ serviceName: 'vigil' });
