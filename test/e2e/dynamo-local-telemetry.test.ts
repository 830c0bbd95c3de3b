import { execFileSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';

describe('DynamoDB Local', () => {
  it('runs with -disableTelemetry, so it makes no calls to AWS at start', () => {
    // Prepare: the suite's DynamoDB Local was started by local mode's startDynamoLocal.
    const port = new URL(inject('dynamoEndpoint')).port;

    // Act: the command line of the process serving that port.
    const commands = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('DynamoDBLocal.jar') && line.split(/\s+/).join(' ').includes(`-port ${port}`));

    // Assess
    expect(commands).toHaveLength(1);
    expect(commands[0]?.split(/\s+/)).toContain('-disableTelemetry');
  });
});
