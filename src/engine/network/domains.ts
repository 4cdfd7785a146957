/** True when `name` (a DNS query name, trailing dot allowed) is the domain or one of its subdomains. */
export function domainMatcher(domains: string[]): (name: string) => string | null {
  const set = new Set(domains.map((d) => d.toLowerCase()));
  return (name) => {
    const labels = name.toLowerCase().replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const candidate = labels.slice(i).join('.');
      if (set.has(candidate)) return candidate;
    }
    return null;
  };
}
