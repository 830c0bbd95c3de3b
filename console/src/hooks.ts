import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load()` when `deps` change, and again every `refreshMs` when given (a run in flight,
 * the monitors list); a newer answer always wins over an older one.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
  refreshMs?: number,
  /** Whether the data still needs refreshing (a run in flight); default: always. */
  stillChanging: (data: T | undefined) => boolean = () => true,
): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const latest = useRef<T | undefined>(undefined);
  const changingRef = useRef(stillChanging);
  changingRef.current = stillChanging;
  const reload = useCallback(() => {
    const mine = (generation.current += 1);
    setState((previous) => ({ ...previous, loading: true }));
    loadRef.current().then(
      (data) => {
        if (mine !== generation.current) return;
        latest.current = data;
        setState({ data, error: undefined, loading: false });
      },
      (error: unknown) =>
        mine === generation.current &&
        setState((previous) => ({ data: previous.data, error: error instanceof Error ? error : new Error(String(error)), loading: false })),
    );
  }, []);
  useEffect(() => {
    latest.current = undefined;
    setState({ data: undefined, error: undefined, loading: true });
    reload();
    if (refreshMs === undefined) return undefined;
    const timer = setInterval(() => {
      if (changingRef.current(latest.current)) reload();
    }, refreshMs);
    return () => clearInterval(timer);
  }, deps);
  return { ...state, reload };
}
