import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { tokyoDate } from '@taiwa/domain';
import { DATA_SOURCE } from '../common/tokens';

/** Case numbers TT-YYYY-NNNNNN, counted per (Tokyo) year; a case id keeps the number it was given. */
@Injectable()
export class CaseNumbersService {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async assign(caseId: string, nowMs: number = Date.now()): Promise<string> {
    return this.ds.transaction(async (em) => {
      const existing: Array<{ case_number: string }> = await em.query(
        'SELECT case_number FROM case_numbers WHERE case_id = $1',
        [caseId],
      );
      if (existing[0]) return existing[0].case_number;
      const year = Number(tokyoDate(nowMs).slice(0, 4));
      const [{ value }]: Array<{ value: number }> = await em.query(
        `INSERT INTO case_number_counters (year, value) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET value = case_number_counters.value + 1 RETURNING value`,
        [year],
      );
      const caseNumber = `TT-${year}-${String(value).padStart(6, '0')}`;
      // A concurrent retry of the same filing may have won: keep its number.
      await em.query('INSERT INTO case_numbers (case_id, case_number) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING', [
        caseId,
        caseNumber,
      ]);
      const [row]: Array<{ case_number: string }> = await em.query('SELECT case_number FROM case_numbers WHERE case_id = $1', [
        caseId,
      ]);
      return row!.case_number;
    });
  }
}
