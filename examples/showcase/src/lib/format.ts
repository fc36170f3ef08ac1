const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export function formatStat(value: number, opts: { currency?: boolean; percent?: boolean }): string {
  if (opts.currency) return usd.format(value);
  if (opts.percent) return percent.format(value);
  return Math.round(value).toLocaleString();
}
