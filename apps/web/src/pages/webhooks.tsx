/** Partners and applicant admins: subscriptions, the delivery log, replay, secret rotation, consent. */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiFetch, hasRole, useMe } from '../api';
import { aria, Field, Loading, ProblemAlert } from '../components';
import { applyProblem } from '../forms';
import { useI18n } from '../i18n';

interface Subscription {
  id: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
}
interface Delivery {
  id: string;
  eventType: string;
  sequence: number;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  attemptLog: Array<{
    attempt: number;
    at: string;
    statusCode: number | null;
    durationMs: number;
    error: string | null;
  }>;
}

const SubSchema = z.object({
  url: z.string().trim().url('https://…'),
  eventTypes: z.string().trim().min(1, '*'),
});
type Sub = z.infer<typeof SubSchema>;

/** A secret is shown once, right after it was made, and never fetched again. */
function SecretOnce({ secret }: { secret: string | null }) {
  const { t } = useI18n();
  if (!secret) return null;
  return (
    <div role="status" className="notice secret">
      <p>
        <span aria-hidden="true">⚠ </span>
        {t('hooks.secretOnce')}
      </p>
      <code data-testid="secret">{secret}</code>
    </div>
  );
}

function Deliveries({ id }: { id: string }) {
  const { t, date } = useI18n();
  const list = useQuery({
    queryKey: ['deliveries', id],
    queryFn: () => apiFetch<{ items: Delivery[] }>(`/webhook-subscriptions/${id}/deliveries?limit=50`),
  });
  if (list.isLoading) return <Loading />;
  return (
    <>
      <ProblemAlert error={list.error} />
      {list.data?.items.length === 0 && <p>{t('common.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>{t('hooks.deliveries')}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('hooks.event')}</th>
                <th scope="col">{t('hooks.status')}</th>
                <th scope="col">{t('hooks.attempts')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((d) => (
                <tr key={d.id}>
                  <td>{d.sequence}</td>
                  <td>{d.eventType}</td>
                  <td>
                    <span aria-hidden="true">
                      {d.status === 'DELIVERED' ? '✓ ' : d.status === 'FAILED' ? '✗ ' : '… '}
                    </span>
                    {d.status} {d.lastStatusCode ?? ''} {d.lastError ?? ''}
                  </td>
                  <td>
                    {d.attemptLog
                      .map(
                        (a) =>
                          `${a.attempt}: ${a.statusCode ?? a.error ?? '—'} (${a.durationMs} ms, ${date(a.at)})`,
                      )
                      .join(' / ') || d.attempts}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function SubscriptionCard({ s }: { s: Subscription }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [from, setFrom] = useState('1');
  const [showLog, setShowLog] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await client.invalidateQueries({ queryKey: ['subscriptions'] });
      await client.invalidateQueries({ queryKey: ['deliveries', s.id] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <li className="card" data-subscription={s.id}>
      <p>
        <strong>{s.url}</strong> · {s.eventTypes.join(', ')} ·{' '}
        {s.enabled ? (
          <span>
            <span aria-hidden="true">● </span>
            {t('hooks.enabled')}
          </span>
        ) : (
          <span className="flag flag-overdue">
            <span aria-hidden="true">⚠ </span>
            {t('hooks.disabled')} {s.disabledReason ?? ''}
          </span>
        )}
      </p>
      <SecretOnce secret={secret} />
      <div className="row">
        <button
          type="button"
          onClick={() =>
            run(async () =>
              setSecret(
                (
                  await apiFetch<{ secret: string }>(`/webhook-subscriptions/${s.id}/rotate-secret`, {
                    method: 'POST',
                  })
                ).secret,
              ),
            )
          }
        >
          {t('hooks.rotate')}
        </button>
        {!s.enabled && (
          <button
            type="button"
            onClick={() => run(() => apiFetch(`/webhook-subscriptions/${s.id}/enable`, { method: 'POST' }))}
          >
            {t('hooks.enable')}
          </button>
        )}
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() =>
              apiFetch(`/webhook-subscriptions/${s.id}/replay`, {
                method: 'POST',
                body: { fromSequence: Number(from) },
              }),
            );
          }}
        >
          <label htmlFor={`from-${s.id}`}>{t('field.fromSequence')}</label>
          <input
            id={`from-${s.id}`}
            type="number"
            min={1}
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
          <button type="submit">{t('hooks.replay')}</button>
        </form>
        <button type="button" aria-expanded={showLog} onClick={() => setShowLog(!showLog)}>
          {t('hooks.deliveries')}
        </button>
        <button
          type="button"
          onClick={() => run(() => apiFetch(`/webhook-subscriptions/${s.id}`, { method: 'DELETE' }))}
        >
          {t('hooks.remove')}
        </button>
      </div>
      <ProblemAlert error={error} />
      {showLog && <Deliveries id={s.id} />}
    </li>
  );
}

function Consents() {
  const { t, date } = useI18n();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['consents'],
    queryFn: () =>
      apiFetch<{ items: Array<{ partnerOrganizationId: string; grantedAt: string; active: boolean }> }>(
        '/partner-consents',
      ),
  });
  const [partner, setPartner] = useState('');
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await client.invalidateQueries({ queryKey: ['consents'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="consents-h">
      <h2 id="consents-h">{t('hooks.consents')}</h2>
      <ul>
        {list.data?.items.map((c) => (
          <li key={c.partnerOrganizationId}>
            {c.partnerOrganizationId} · <span aria-hidden="true">{c.active ? '✓ ' : '✗ '}</span>
            {c.active ? t('hooks.active') : t('hooks.revoked')} · {date(c.grantedAt)}{' '}
            {c.active && (
              <button
                type="button"
                onClick={() =>
                  run(() =>
                    apiFetch(`/partner-consents/${encodeURIComponent(c.partnerOrganizationId)}`, {
                      method: 'DELETE',
                    }),
                  )
                }
              >
                {t('hooks.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() =>
            apiFetch('/partner-consents', {
              method: 'POST',
              body: { partnerOrganizationId: partner.trim() },
            }),
          );
        }}
      >
        <label htmlFor="partner-org">{t('field.partnerOrganizationId')}</label>
        <input id="partner-org" value={partner} onChange={(e) => setPartner(e.target.value)} />
        <button type="submit">{t('hooks.grant')}</button>
      </form>
      <ProblemAlert error={error ?? list.error} />
    </section>
  );
}

export function WebhooksPage() {
  const { t } = useI18n();
  const me = useMe();
  const client = useQueryClient();
  const subs = useQuery({
    queryKey: ['subscriptions'],
    queryFn: () => apiFetch<{ items: Subscription[] }>('/webhook-subscriptions'),
  });
  const form = useForm<Sub>({
    resolver: zodResolver(SubSchema),
    defaultValues: { url: '', eventTypes: '*' },
  });
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const e = form.formState.errors;
  return (
    <section>
      <h1>{t('hooks.title')}</h1>
      <h2>{t('hooks.create')}</h2>
      <form
        noValidate
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          setSecret(null);
          try {
            const body = {
              url: v.url,
              eventTypes: v.eventTypes
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean),
            };
            const created = await apiFetch<{ secret: string }>('/webhook-subscriptions', {
              method: 'POST',
              body,
            });
            setSecret(created.secret);
            form.reset();
            await client.invalidateQueries({ queryKey: ['subscriptions'] });
          } catch (err) {
            setError(applyProblem(err, form.setError, ['url', 'eventTypes']));
          }
        })}
      >
        <Field id="hook-url" label={t('field.url')} error={e.url}>
          <input type="url" {...aria('hook-url', e.url)} {...form.register('url')} />
        </Field>
        <Field id="hook-events" label={t('field.eventTypes')} error={e.eventTypes}>
          <input {...aria('hook-events', e.eventTypes)} {...form.register('eventTypes')} />
        </Field>
        <button type="submit">{t('hooks.create')}</button>
      </form>
      <SecretOnce secret={secret} />
      <ProblemAlert error={error} />
      <h2>{t('hooks.subscriptions')}</h2>
      {subs.isLoading && <Loading />}
      <ProblemAlert error={subs.error} />
      {subs.data?.items.length === 0 && <p>{t('common.none')}</p>}
      <ul className="cards">
        {subs.data?.items.map((s) => (
          <SubscriptionCard key={s.id} s={s} />
        ))}
      </ul>
      {hasRole(me.data, 'applicant_admin') && <Consents />}
    </section>
  );
}
