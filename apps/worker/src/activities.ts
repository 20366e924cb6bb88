import type { DataSource } from 'typeorm';
import { applyProjection } from '@taiwa/persistence';
import type { CaseActivities } from '@taiwa/workflows';

/** The case workflow's activities, bound to a data source. */
export function createActivities(ds: DataSource): CaseActivities {
  return {
    projectCase: (batch) => applyProjection(ds, batch),
  };
}
