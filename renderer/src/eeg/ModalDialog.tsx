import { useEffect, useRef, type ReactNode } from 'react';

/** A native modal `<dialog>` (focus trap, Escape to close) opened while `open` is true. */
export function ModalDialog(props: { open: boolean; title: string; onClose(): void; children: ReactNode; className?: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (props.open && !element.open) element.showModal();
    if (!props.open && element.open) element.close();
  }, [props.open]);
  const { onClose } = props;
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const closed = () => onClose();
    element.addEventListener('close', closed);
    return () => element.removeEventListener('close', closed);
  }, [onClose]);
  return (
    <dialog ref={dialog} className={`eeg-dialog ${props.className ?? ''}`} aria-label={props.title}>
      {props.open && props.children}
    </dialog>
  );
}
