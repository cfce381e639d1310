/** Montages, annotations and the spectral overview of one recording. */
import { useCallback, useEffect, useState } from 'react';
import type { EegAnnotation, EegOverview, Montage } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';

export interface ReviewData {
  montages: Montage[];
  montagesError: string | null;
  refreshMontages(): void;
  annotations: EegAnnotation[];
  annotationsError: string | null;
  refreshAnnotations(): void;
  overview: EegOverview | null;
  overviewError: string | null;
}

export function useReviewData(recordingId: number | null): ReviewData {
  const api = useApi();
  const [montages, setMontages] = useState<Montage[]>([]);
  const [montagesError, setMontagesError] = useState<string | null>(null);
  const [annotations, setAnnotations] = useState<EegAnnotation[]>([]);
  const [annotationsError, setAnnotationsError] = useState<string | null>(null);
  const [overview, setOverview] = useState<EegOverview | null>(null);
  const [overviewError, setOverviewError] = useState<string | null>(null);
  const [montageRevision, setMontageRevision] = useState(0);
  const [annotationRevision, setAnnotationRevision] = useState(0);

  useEffect(() => {
    setMontages([]);
    setAnnotations([]);
    setOverview(null);
    setOverviewError(null);
  }, [recordingId]);

  useEffect(() => {
    if (recordingId === null) return;
    let current = true;
    api.call('eeg.montages', { recordingId }).then(
      (list) => {
        if (!current) return;
        setMontages(list);
        setMontagesError(null);
      },
      (failure: unknown) => current && setMontagesError(errorMessage(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, recordingId, montageRevision]);

  useEffect(() => {
    if (recordingId === null) return;
    let current = true;
    api.call('eeg.annotations', { recordingId }).then(
      (list) => {
        if (!current) return;
        setAnnotations(list);
        setAnnotationsError(null);
      },
      (failure: unknown) => current && setAnnotationsError(errorMessage(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, recordingId, annotationRevision]);

  useEffect(() => {
    if (recordingId === null) return;
    let current = true;
    api.call('eeg.overview', { recordingId }).then(
      (result) => current && setOverview(result),
      (failure: unknown) => current && setOverviewError(errorMessage(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, recordingId]);

  const refreshMontages = useCallback(() => setMontageRevision((n) => n + 1), []);
  const refreshAnnotations = useCallback(() => setAnnotationRevision((n) => n + 1), []);
  return { montages, montagesError, refreshMontages, annotations, annotationsError, refreshAnnotations, overview, overviewError };
}
