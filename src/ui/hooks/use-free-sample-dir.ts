// The folder a sample is written into by default: the runtime's default name, or the first free
// one after it when an earlier run filled it.
import { useEffect, useState } from 'react';
import { defaultSampleDir } from '../../wizard/samples.js';
import { useWizard } from '../context.js';

export function useFreeSampleDir(runtime: string): string {
  const { services } = useWizard();
  const [dir, setDir] = useState(defaultSampleDir(runtime));
  useEffect(() => {
    let live = true;
    services.freeSampleDir?.(runtime).then(
      (free) => live && setDir(free),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [services, runtime]);
  return dir;
}
