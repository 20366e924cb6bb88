import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/**
 * The bare engine the lifecycle benchmark compares against: a workflow with the same number of
 * updates as a case's submit → accept → conclude (ready, step, step), and nothing else.
 */
export const readyUpdate = defineUpdate<number>('ready');
export const stepUpdate = defineUpdate<number>('step');

export async function bareLifecycle(steps: number): Promise<number> {
  let done = 0;
  setHandler(readyUpdate, () => done);
  setHandler(stepUpdate, () => ++done);
  await condition(() => done >= steps);
  return done;
}
