/** Dev login: pick a seeded user (AUTH_MODE=dev only; the API refuses otherwise). */
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ProblemAlert } from '../components';
import { useSession } from '../api';
import { useI18n } from '../i18n';
import { SEED_USERS } from '../../../../libs/persistence/src/seed-data';

// The users the development seed creates; any other can be typed.
const SEEDED: string[] = SEED_USERS.map((u) => u.username);

export function SignInPage() {
  const { t } = useI18n();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [username, setUsername] = useState(SEEDED[0]!);
  const [error, setError] = useState<unknown>(null);
  return (
    <section className="narrow">
      <h1>{t('signin.title')}</h1>
      <p>{t('signin.intro')}</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await signIn(username.trim());
            navigate('/');
          } catch (err) {
            setError(err);
          }
        }}
      >
        <div className="field">
          <label htmlFor="username">{t('signin.user')}</label>
          <input
            id="username"
            list="seeded-users"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            required
          />
          <datalist id="seeded-users">
            {SEEDED.map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
        </div>
        <button type="submit">{t('signin.submit')}</button>
      </form>
      <ProblemAlert error={error} />
    </section>
  );
}
