// A clock for countdowns: ticks locally once a second while the calling component is mounted.
// Data never comes from polling the backend; only the displayed time advances.

export function useNow(intervalMs = 1000): { readonly value: number } {
  let now = $state(Date.now());
  $effect(() => {
    const timer = setInterval(() => (now = Date.now()), intervalMs);
    return () => clearInterval(timer);
  });
  return {
    get value() {
      return now;
    },
  };
}
