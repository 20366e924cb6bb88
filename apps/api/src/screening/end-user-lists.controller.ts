import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { parse } from 'csv-parse/sync';
import type { Request, Response } from 'express';
import { isCountryCode, type EndUserEntry, type EndUserListMode } from '@taiwa/domain';
import { CurrentUser, Roles } from '../auth/auth.guard';
import type { UserRecord } from '../auth/users.service';
import { IdempotencyService } from '../common/idempotency.service';
import { jsonSchema } from '../common/openapi';
import { malformed, ProblemError, unprocessable } from '../common/problem';
import { parseOr400 } from '../common/validation';
import { EndUserChecksService, RateLimitedError } from './end-user-checks.service';
import { EndUserListsService } from './end-user-lists.service';
import {
  acceptableEntries,
  cleanEntry,
  CSV_COLUMNS,
  CsvModeSchema,
  EndUserCheckSchema,
  EndUserListBodySchema,
  LIST_ID,
  MAX_ENTRIES,
} from './screening.schemas';

const MAX_CSV_BYTES = 5 * 1024 * 1024;

/** Runs fn; a rate-limit refusal gets its Retry-After header before the problem filter answers. */
export async function withRetryAfter<T>(res: Response, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RateLimitedError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
    throw err;
  }
}

@ApiTags('screening')
@ApiBearerAuth()
@Controller('api/v1')
export class EndUserListsController {
  constructor(
    private readonly lists: EndUserListsService,
    private readonly checks: EndUserChecksService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Put('end-user-lists/:listId')
  @Roles('regulator_admin')
  @ApiParam({ name: 'listId', description: 'e.g. EUL (the End User List, the default of checks)' })
  @ApiConsumes('application/json', 'text/csv')
  @ApiQuery({
    name: 'mode',
    required: false,
    enum: ['PUBLIC', 'NON_PUBLIC'],
    description: 'CSV only (required there): the mode of the new version',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({
    summary: 'Upload a new version of an End User List (regulator admin); it is in force at once',
    description:
      'JSON `{mode, entries: [{name, aliases[], country, category, reason}]}` or `text/csv` with a header row of the columns ' +
      `${CSV_COLUMNS.join(', ')} (any order; aliases separated by "|") and \`?mode=\`. ` +
      '201 `{listId, version, mode, entries}` (entries is the count). A malformed body is 400, unacceptable entries 422; neither creates a version.',
  })
  @ApiBody({ schema: jsonSchema(EndUserListBodySchema) })
  async upload(
    @CurrentUser() user: UserRecord,
    @Param('listId') listId: string,
    @Query() query: Record<string, unknown>,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (!LIST_ID.test(listId))
      throw malformed([{ field: 'listId', message: '1-40 upper-case letters, digits, "_" or "-"' }]);
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    let mode: EndUserListMode;
    let entries: EndUserEntry[];
    let where: (i: number) => string = () => '';
    if (type === 'application/json') {
      const parsed = parseOr400(EndUserListBodySchema, body);
      mode = parsed.mode;
      entries = parsed.entries.map(cleanEntry);
    } else if (type === 'text/csv') {
      mode = parseOr400(CsvModeSchema, query, 'query').mode;
      entries = parseCsv(await readText(req));
      where = (i) => ` (CSV line ${i + 2})`;
    } else {
      throw new ProblemError(415, 'Send the list as application/json or text/csv.');
    }
    const errors = acceptableEntries(entries, where);
    if (errors.length > 0)
      throw unprocessable(errors, 'The list cannot be accepted; see errors. No version was created.');
    const rawBody = { mode, entries };
    const result = await this.idempotency.run(
      user.username,
      key,
      `PUT /api/v1/end-user-lists/${listId}`,
      rawBody,
      async () => ({
        status: 201,
        body: await this.lists.upload(listId, mode, entries, user.username),
      }),
    );
    res.status(result.status);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Get('end-user-lists')
  @Roles('officer', 'supervisor', 'regulator_admin')
  @ApiOperation({
    summary:
      'The lists and their versions (regulator staff): mode, entry counts, who uploaded; never entries',
  })
  summaries() {
    return this.lists.summaries();
  }

  @Post('end-user-checks')
  @HttpCode(200)
  @Roles('applicant', 'applicant_admin', 'officer', 'supervisor', 'regulator_admin')
  @ApiOperation({
    summary: 'Check a counterparty against an End User List (default EUL)',
    description:
      'PUBLIC list: `{mode, listId, listVersion, matches: [{name, aliases, country, category, reason, score, matchedOn, listVersion}]}`. ' +
      'NON_PUBLIC list: only `{mode, match, advice, adviceJa}`, the same shape and length for both verdicts; at most ' +
      '30 a minute per organisation (429 with Retry-After). Every check is audited.',
  })
  @ApiBody({ schema: jsonSchema(EndUserCheckSchema) })
  async check(
    @CurrentUser() user: UserRecord,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const input = parseOr400(EndUserCheckSchema, body);
    if (input.country !== undefined && !isCountryCode(input.country)) {
      throw unprocessable([
        { field: 'country', message: `"${input.country}" is not an ISO 3166-1 alpha-2 country code` },
      ]);
    }
    return withRetryAfter(res, () => this.checks.check(user, input));
  }
}

async function readText(req: Request): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CSV_BYTES)
      throw new ProblemError(413, `The CSV is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.includes('\uFFFD')) throw malformed([{ field: 'body', message: 'the CSV is not valid UTF-8' }]);
  return text;
}

/** The CSV of a list: a header row naming exactly the columns, then one entry per row. Malformed: 400. */
function parseCsv(text: string): EndUserEntry[] {
  let rows: string[][];
  try {
    rows = parse(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    }) as string[][];
  } catch (err) {
    throw malformed([{ field: 'body', message: `not a valid CSV: ${(err as Error).message}` }]);
  }
  const [header, ...data] = rows;
  const columns = (header ?? []).map((c) => c.toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !columns.includes(c));
  const extra = columns.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (missing.length || extra.length || columns.length !== CSV_COLUMNS.length) {
    throw malformed([
      {
        field: 'body',
        message: `the header row must name the columns ${CSV_COLUMNS.join(', ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}${
          extra.length ? `; unknown ${extra.join(', ')}` : ''
        }`,
      },
    ]);
  }
  if (data.length > MAX_ENTRIES) throw malformed([{ field: 'body', message: `at most ${MAX_ENTRIES} rows` }]);
  const at = (row: string[], c: (typeof CSV_COLUMNS)[number]) => row[columns.indexOf(c)] ?? '';
  return data.map((row) => ({
    name: at(row, 'name'),
    aliases: at(row, 'aliases')
      .split('|')
      .map((a) => a.trim())
      .filter(Boolean),
    country: at(row, 'country'),
    category: at(row, 'category') as EndUserEntry['category'],
    reason: at(row, 'reason'),
  }));
}
