import { type FormEvent, useState } from 'react';
import { api } from '../api.ts';
import { Field } from '../components/field.tsx';
import { Title } from '../components/title.tsx';
import { navigate } from '../router.tsx';

export function LoginPage() {
  const [error, setError] = useState('');
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    try {
      await api('POST', '/api/login', { name: form.get('name'), password: form.get('password') });
      navigate('/');
    } catch (x) {
      setError((x as Error).message);
    }
  };
  return (
    <main id="main" className="narrow">
      <Title>Daylight workspace</Title>
      <section>
        <h2>Sign in</h2>
        <form className="inline" onSubmit={submit}>
          <Field label="Name">
            <input name="name" autoComplete="username" required />
          </Field>
          <Field label="Password">
            <input name="password" type="password" autoComplete="current-password" required />
          </Field>
          <button type="submit">Sign in</button>
        </form>
        <p className="error" role="alert">
          {error}
        </p>
      </section>
    </main>
  );
}
