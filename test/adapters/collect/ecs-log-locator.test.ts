import {
  AccessDeniedException,
  ClientException,
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type ContainerDefinition,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EcsLogLocator } from '#adapters/ecs/ecs-log-locator.ts';
import { fakeTime } from './fake-time.ts';

const ecs = mockClient(ECSClient);
const NOW = '2026-11-21T10:00:00.000Z';

const awslogs = (options: Record<string, string>): ContainerDefinition => ({
  name: 'api',
  logConfiguration: { logDriver: 'awslogs', options },
});

function locator(time = fakeTime(NOW)) {
  return new EcsLogLocator(new ECSClient({ region: 'eu-west-1' }), { region: 'eu-west-1', maxAttempts: 5, clock: time.clock });
}

const inputs = <T>(calls: Array<{ args: [{ input: T }] }>): T[] => calls.map((c) => c.args[0].input);

describe('EcsLogLocator', () => {
  afterEach(() => {
    ecs.reset();
  });

  it("resolves a service's current task definition to its container's awslogs group, region and prefix", async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ serviceName: 'orders', status: 'ACTIVE', taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:7' }],
    });
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        family: 'orders',
        revision: 7,
        containerDefinitions: [
          { name: 'sidecar' },
          awslogs({ 'awslogs-group': '/ecs/orders', 'awslogs-region': 'us-east-2', 'awslogs-stream-prefix': 'ecs' }),
        ],
      },
    });

    // Act
    const location = await locator().locate({ cluster: 'prod', serviceName: 'orders', containerName: 'api' });

    // Assess
    expect(inputs(ecs.commandCalls(DescribeServicesCommand))).toEqual([{ cluster: 'prod', services: ['orders'] }]);
    expect(inputs(ecs.commandCalls(DescribeTaskDefinitionCommand))).toEqual([
      { taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:7' },
    ]);
    expect(location).toEqual({ logGroup: '/ecs/orders', region: 'us-east-2', streamPrefix: 'ecs', taskDefinition: 'orders:7' });
  });

  it("reads a task family's latest revision, and a container without prefix or region", async () => {
    // Prepare
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: { family: 'batch', revision: 12, containerDefinitions: [awslogs({ 'awslogs-group': '/ecs/batch' })] },
    });

    // Act
    const location = await locator().locate({ cluster: 'prod', taskFamily: 'batch', containerName: 'api' });

    // Assess
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(0);
    expect(inputs(ecs.commandCalls(DescribeTaskDefinitionCommand))).toEqual([{ taskDefinition: 'batch' }]);
    expect(location).toEqual({ logGroup: '/ecs/batch', region: null, streamPrefix: null, taskDefinition: 'batch:12' });
  });

  it('caches a resolution for five minutes per container', async () => {
    // Prepare
    const time = fakeTime(NOW);
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: { family: 'batch', revision: 12, containerDefinitions: [awslogs({ 'awslogs-group': '/ecs/batch' })] },
    });
    const cached = locator(time);
    const config = { cluster: 'prod', taskFamily: 'batch', containerName: 'api' };

    // Act
    await Promise.all([cached.locate(config), cached.locate(config)]);
    time.advance(299_000);
    await cached.locate(config);
    const beforeExpiry = ecs.commandCalls(DescribeTaskDefinitionCommand).length;
    time.advance(2_000);
    await cached.locate(config);

    // Assess
    expect(beforeExpiry).toBe(1);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
  });

  it('does not cache a failure', async () => {
    // Prepare
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejectsOnce(new ClientException({ message: 'Unable to describe task definition.', $metadata: {} }))
      .resolves({ taskDefinition: { family: 'batch', revision: 1, containerDefinitions: [awslogs({ 'awslogs-group': '/ecs/batch' })] } });
    const cached = locator();
    const config = { cluster: 'prod', taskFamily: 'batch', containerName: 'api' };

    // Act
    const first = cached.locate(config);
    await expect(first).rejects.toThrow('task definition batch not found in eu-west-1');
    const second = await cached.locate(config);

    // Assess
    expect(second.logGroup).toBe('/ecs/batch');
  });

  it.each([
    [{ name: 'api', logConfiguration: { logDriver: 'awsfirelens' as const } }, 'container api in orders:7 logs with the awsfirelens driver, not awslogs; Vigil reads ECS logs the awslogs driver writes to CloudWatch Logs'],
    [{ name: 'api', logConfiguration: { logDriver: 'splunk' as const } }, 'container api in orders:7 logs with the splunk driver, not awslogs; Vigil reads ECS logs the awslogs driver writes to CloudWatch Logs'],
    [{ name: 'api' }, 'container api in orders:7 has no log configuration; Vigil reads ECS logs the awslogs driver writes to CloudWatch Logs'],
    [{ name: 'web' }, 'container api is not in task definition orders:7 (containers: web)'],
  ])('explains a container it cannot read (%#)', async (container, message) => {
    // Prepare
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { family: 'orders', revision: 7, containerDefinitions: [container] } });

    // Act
    const located = locator().locate({ cluster: 'prod', taskFamily: 'orders', containerName: 'api' });

    // Assess
    await expect(located).rejects.toThrow(message);
  });

  it.each([
    [
      'a missing service',
      () => ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: 'arn:…/orders', reason: 'MISSING' }] }),
      'ECS service orders not found in cluster prod in eu-west-1 (MISSING)',
    ],
    [
      'an inactive service',
      () => ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: 'orders', status: 'INACTIVE', taskDefinition: 'x' }] }),
      'ECS service orders not found in cluster prod in eu-west-1 (inactive)',
    ],
    [
      'a missing cluster',
      () => ecs.on(DescribeServicesCommand).rejects(new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: {} })),
      'ECS cluster prod not found in eu-west-1',
    ],
    [
      'a missing permission',
      () => ecs.on(DescribeServicesCommand).rejects(new AccessDeniedException({ message: 'denied', $metadata: {} })),
      'missing permission ecs:DescribeServices on service orders in cluster prod in eu-west-1',
    ],
  ])('explains %s', async (_case, arrange, message) => {
    // Prepare
    arrange();

    // Act
    const located = locator().locate({ cluster: 'prod', serviceName: 'orders', containerName: 'api' });

    // Assess
    await expect(located).rejects.toThrow(message);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
  });
});
