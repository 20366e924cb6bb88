/**
 * Regulator admin: reference data (the versions of each kind, loading a new one) and End User
 * List versions. These endpoints may not exist on every server; a 404 shows "not available".
 */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiProblem, apiFetch } from '../api';
import { Loading, ProblemAlert } from '../components';
import { useReferenceData } from '../forms';
import { useI18n } from '../i18n';

const KINDS = ['country-groups', 'specified-items', 'red-flags', 'technologies', 'transaction-types'];
const SAMPLE_LIST = JSON.stringify(
  {
    mode: 'PUBLIC',
    entries: [
      { name: 'Example Trading Ltd.', aliases: [], country: 'KP', category: 'NUCLEAR', reason: 'DIVERSION' },
    ],
  },
  null,
  2,
);

const unavailable = (err: unknown) => err instanceof ApiProblem && (err.status === 404 || err.status === 405);

function Unavailable({ error }: { error: unknown }) {
  const { t } = useI18n();
  return unavailable(error) ? <p role="status">{t('common.unavailable')}</p> : <ProblemAlert error={error} />;
}

interface VersionSummary {
  kind: string;
  version: string;
  effectiveFrom: string;
  createdAt?: string;
  createdBy?: string;
  inForce: boolean;
}

function ReferenceVersions() {
  const { t, date } = useI18n();
  const client = useQueryClient();
  const [kind, setKind] = useState(KINDS[0]!);
  const versions = useQuery({
    queryKey: ['reference-versions', kind],
    queryFn: () => apiFetch<{ items: VersionSummary[] }>(`/reference-data/${kind}/versions`),
    retry: false,
  });
  const [name, setName] = useState('');
  const [effectiveFrom, setEffectiveFrom] = useState('');
  const [data, setData] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  return (
    <section aria-labelledby="versions-h">
      <h2 id="versions-h">{t('admin.versions')}</h2>
      <div className="field">
        <label htmlFor="ref-kind">{t('admin.kind')}</label>
        <select id="ref-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          {KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </div>
      {versions.isLoading && <Loading />}
      {versions.error ? <Unavailable error={versions.error} /> : null}
      {versions.data && (
        <div className="table-wrap">
          <table>
            <caption>{kind}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.version')}</th>
                <th scope="col">{t('admin.effective')}</th>
                <th scope="col">{t('admin.inForce')}</th>
                <th scope="col">{t('admin.createdBy')}</th>
              </tr>
            </thead>
            <tbody>
              {versions.data.items.map((v) => (
                <tr key={v.version}>
                  <td>{v.version}</td>
                  <td>{v.effectiveFrom}</td>
                  <td>{v.inForce ? `✓ ${t('admin.inForce')}` : '—'}</td>
                  <td>
                    {v.createdBy ?? '—'} {v.createdAt && `(${date(v.createdAt)})`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>{t('admin.newVersion')}</h3>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          setDone(null);
          try {
            const body = { effectiveFrom, data: JSON.parse(data || '{}') as unknown };
            const r = await apiFetch<VersionSummary>(
              `/reference-data/${kind}/versions/${encodeURIComponent(name)}`,
              { method: 'PUT', body },
            );
            setDone(`${r.kind} ${r.version}`);
            await client.invalidateQueries({ queryKey: ['reference-versions', kind] });
          } catch (err) {
            setError(err);
          }
        }}
      >
        <div className="field">
          <label htmlFor="ref-version">{t('admin.versionName')}</label>
          <input id="ref-version" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="ref-effective">{t('admin.effective')}</label>
          <input
            id="ref-effective"
            type="date"
            value={effectiveFrom}
            onChange={(e) => setEffectiveFrom(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="ref-data">{t('admin.dataJson')}</label>
          <textarea id="ref-data" rows={6} value={data} onChange={(e) => setData(e.target.value)} required />
        </div>
        <button type="submit">{t('admin.upload')}</button>
      </form>
      {done && <p role="status">✓ {done}</p>}
      {error ? <Unavailable error={error} /> : null}
    </section>
  );
}

interface ListSummary {
  listId: string;
  mode: string;
  version: number;
  versions: Array<{ version: number; mode: string; entries: number; uploadedBy: string; uploadedAt: string }>;
}

function EndUserLists() {
  const { t, date } = useI18n();
  const client = useQueryClient();
  const lists = useQuery({
    queryKey: ['end-user-lists'],
    queryFn: () => apiFetch<{ items: ListSummary[] }>('/end-user-lists'),
    retry: false,
  });
  const [listId, setListId] = useState('EUL');
  const [json, setJson] = useState(SAMPLE_LIST);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <section aria-labelledby="lists-h">
      <h2 id="lists-h">{t('admin.lists')}</h2>
      {lists.error ? <Unavailable error={lists.error} /> : null}
      {lists.data?.items.length === 0 && <p>{t('common.none')}</p>}
      {lists.data && lists.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>{t('admin.lists')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('field.listId')}</th>
                <th scope="col">{t('admin.version')}</th>
                <th scope="col">{t('admin.mode')}</th>
                <th scope="col">{t('admin.entries')}</th>
                <th scope="col">{t('admin.createdBy')}</th>
              </tr>
            </thead>
            <tbody>
              {lists.data.items.flatMap((l) =>
                l.versions.map((v) => (
                  <tr key={`${l.listId}-${v.version}`}>
                    <td>{l.listId}</td>
                    <td>
                      {v.version} {v.version === l.version && `(✓ ${t('admin.inForce')})`}
                    </td>
                    <td>{v.mode}</td>
                    <td>{v.entries}</td>
                    <td>
                      {v.uploadedBy} ({date(v.uploadedAt)})
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
      <h3>{t('admin.eul')}</h3>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          setResult(null);
          try {
            const body = JSON.parse(json) as unknown;
            const r = await apiFetch<{ version: string | number; entries: number }>(
              `/end-user-lists/${encodeURIComponent(listId)}`,
              { method: 'PUT', body },
            );
            setResult(`${listId} ${t('admin.version')} ${r.version} (${r.entries})`);
            await client.invalidateQueries({ queryKey: ['end-user-lists'] });
          } catch (err) {
            setError(err);
          }
        }}
      >
        <div className="field">
          <label htmlFor="eul-id">{t('field.listId')}</label>
          <input id="eul-id" value={listId} onChange={(e) => setListId(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="eul-json">{t('field.listJson')}</label>
          <textarea id="eul-json" rows={8} value={json} onChange={(e) => setJson(e.target.value)} />
        </div>
        <button type="submit">{t('admin.upload')}</button>
      </form>
      {result && <p role="status">✓ {result}</p>}
      {error ? <Unavailable error={error} /> : null}
    </section>
  );
}

export function AdminPage() {
  const { t, lang } = useI18n();
  const ref = useReferenceData();
  return (
    <section>
      <h1>{t('admin.title')}</h1>
      <h2>{t('admin.reference')}</h2>
      {ref.isLoading && <Loading />}
      <ProblemAlert error={ref.error} />
      {ref.data && (
        <>
          <p>
            {t('admin.version')}: <strong>{ref.data.version}</strong> · {t('admin.effective')}:{' '}
            {ref.data.effectiveFrom}
          </p>
          <div className="table-wrap">
            <table>
              <caption>{t('admin.technologies')}</caption>
              <thead>
                <tr>
                  <th scope="col">code</th>
                  <th scope="col">{t('field.name')}</th>
                  <th scope="col">{t('case.queue')}</th>
                </tr>
              </thead>
              <tbody>
                {ref.data.technologies.map((x) => (
                  <tr key={x.code}>
                    <td>{x.code}</td>
                    <td>{lang === 'ja' ? x.nameJa : x.nameEn}</td>
                    <td>{x.queue}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table>
              <caption>{t('admin.transactions')}</caption>
              <thead>
                <tr>
                  <th scope="col">code</th>
                  <th scope="col">{t('field.name')}</th>
                  <th scope="col">{t('admin.covered')}</th>
                </tr>
              </thead>
              <tbody>
                {ref.data.transactionTypes.map((x) => (
                  <tr key={x.code}>
                    <td>{x.code}</td>
                    <td>{lang === 'ja' ? x.nameJa : x.nameEn}</td>
                    <td>{x.covered ? `✓ ${t('common.yes')}` : `— ${t('common.no')}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <ReferenceVersions />
      <EndUserLists />
    </section>
  );
}
