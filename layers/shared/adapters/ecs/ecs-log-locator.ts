/**
 * Where an ECS container logs: the `awslogs` options of its container definition, from the
 * service's current task definition or the family's latest active revision.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { SourceReadError } from '#domain/collect/errors.ts';
import type { ContainerLogLocation, ContainerLogLocator } from '#domain/collect/ports.ts';
import type { EcsConfig } from '#domain/model/entities.ts';
import type { Clock } from '#domain/model/ports.ts';
import { callAws, type AwsCallContext } from '../aws-errors.ts';

export interface EcsLogLocatorOptions {
  region: string;
  maxAttempts: number;
  clock?: Clock;
  /** How long a resolution is reused by this container instance. @default 300000 (5 minutes) */
  ttlMs?: number;
}

/** Resolves and caches container log locations for one region and identity. */
export class EcsLogLocator implements ContainerLogLocator {
  private readonly clock: Clock;
  private readonly ttlMs: number;
  // Promises, so inputs resolving the same container at once share one lookup.
  private readonly cache = new Map<string, { expiresAt: number; location: Promise<ContainerLogLocation> }>();

  constructor(
    private readonly client: ECSClient,
    private readonly options: EcsLogLocatorOptions,
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.ttlMs = options.ttlMs ?? 300_000;
  }

  /**
   * The container's awslogs group, region and stream prefix. SourceReadError when the service,
   * family or container does not exist, or the container logs with another driver.
   */
  locate(config: EcsConfig): Promise<ContainerLogLocation> {
    const key = JSON.stringify([config.cluster, config.serviceName ?? null, config.taskFamily ?? null, config.containerName]);
    const now = this.clock.now().getTime();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) return cached.location;
    const location = this.resolve(config);
    this.cache.set(key, { expiresAt: now + this.ttlMs, location });
    location.catch(() => this.cache.delete(key));
    return location;
  }

  private context(action: string, resource: string, notFound: string): AwsCallContext {
    return { service: 'ECS', action, resource, region: this.options.region, maxAttempts: this.options.maxAttempts, notFound };
  }

  private async resolve(config: EcsConfig): Promise<ContainerLogLocation> {
    const { region } = this.options;
    const taskDefinition = config.serviceName ? await this.serviceTaskDefinition(config.cluster, config.serviceName) : config.taskFamily;
    if (!taskDefinition) {
      throw new SourceReadError('the ECS log source names neither service_name nor task_family', 'invalid');
    }
    const context = this.context(
      'ecs:DescribeTaskDefinition',
      `task definition ${taskDefinition}`,
      `task definition ${taskDefinition} not found in ${region}`,
    );
    const clock = { clock: this.clock };
    const described = await callAws(context, clock, (options) =>
      this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition }), options),
    ).catch((error: unknown) => {
      // ECS answers an unknown family with a ClientException ("Unable to describe task definition").
      if (error instanceof SourceReadError && error.cause instanceof Error && error.cause.name === 'ClientException') {
        throw new SourceReadError(`task definition ${taskDefinition} not found in ${region}`, 'not_found', { cause: error.cause });
      }
      throw error;
    });
    const definition = described.taskDefinition;
    const revision = definition?.family ? `${definition.family}:${definition.revision ?? '?'}` : taskDefinition;
    const container = definition?.containerDefinitions?.find((c) => c.name === config.containerName);
    if (!container) {
      const names = (definition?.containerDefinitions ?? []).map((c) => c.name).join(', ');
      throw new SourceReadError(`container ${config.containerName} is not in task definition ${revision} (containers: ${names || 'none'})`, 'not_found');
    }
    const logging = container.logConfiguration;
    if (!logging) {
      throw new SourceReadError(
        `container ${config.containerName} in ${revision} has no log configuration; Vigil reads ECS logs the awslogs driver writes to CloudWatch Logs`,
        'unsupported',
      );
    }
    if (logging.logDriver !== 'awslogs') {
      throw new SourceReadError(
        `container ${config.containerName} in ${revision} logs with the ${logging.logDriver ?? 'unknown'} driver, not awslogs; Vigil reads ECS logs the awslogs driver writes to CloudWatch Logs`,
        'unsupported',
      );
    }
    const group = logging.options?.['awslogs-group'];
    if (!group) {
      throw new SourceReadError(`container ${config.containerName} in ${revision} sets no awslogs-group`, 'unsupported');
    }
    return {
      logGroup: group,
      region: logging.options?.['awslogs-region'] ?? null,
      streamPrefix: logging.options?.['awslogs-stream-prefix'] ?? null,
      taskDefinition: revision,
    };
  }

  /** The task definition the service runs now (its primary deployment's). */
  private async serviceTaskDefinition(cluster: string, serviceName: string): Promise<string> {
    const { region } = this.options;
    const resource = `service ${serviceName} in cluster ${cluster}`;
    const context = this.context('ecs:DescribeServices', resource, `ECS cluster ${cluster} not found in ${region}`);
    const described = await callAws(context, { clock: this.clock }, (options) =>
      this.client.send(new DescribeServicesCommand({ cluster, services: [serviceName] }), options),
    );
    const service = described.services?.find((s) => s.serviceName === serviceName || s.serviceArn?.endsWith(`/${serviceName}`));
    if (!service || service.status === 'INACTIVE') {
      const reason = described.failures?.[0]?.reason;
      throw new SourceReadError(
        `ECS service ${serviceName} not found in cluster ${cluster} in ${region}${reason ? ` (${reason})` : service ? ' (inactive)' : ''}`,
        'not_found',
      );
    }
    if (!service.taskDefinition) throw new SourceReadError(`ECS ${resource} has no task definition`, 'not_found');
    return service.taskDefinition;
  }
}
