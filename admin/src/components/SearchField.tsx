import { useEffect, useRef, useState } from 'react';
import { Box, TextInput } from '@strapi/design-system';
import { Search } from '@strapi/icons';

/** How long typing pauses before the search runs, so each keystroke is not a request. */
const SETTLE_MS = 300;

interface SearchFieldProps {
  /** The accessible name: the box has no visible label. */
  label: string;
  placeholder: string;
  /** The trimmed text once typing paused (also once on mount, with ''): the list searches it from its first page. */
  onSearch: (value: string) => void;
}

/** A list's search box: it keeps what is typed and hands the list the text to search once typing pauses. */
export function SearchField({ label, placeholder, onSearch }: SearchFieldProps) {
  const [input, setInput] = useState('');
  // The latest callback without restarting the pause on each render (callers pass inline functions).
  const onSearchRef = useRef(onSearch);
  useEffect(() => {
    onSearchRef.current = onSearch;
  });
  useEffect(() => {
    const timer = setTimeout(() => onSearchRef.current(input.trim()), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [input]);

  return (
    <Box minWidth="280px">
      <TextInput
        aria-label={label}
        placeholder={placeholder}
        startAction={<Search />}
        value={input}
        onChange={(event: React.ChangeEvent<HTMLInputElement>) => setInput(event.target.value)}
      />
    </Box>
  );
}
