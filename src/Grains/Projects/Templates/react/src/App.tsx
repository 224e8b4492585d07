import { useState } from "react";

export default function App() {
  const [count, setCount] = useState(0);
  return (
    <main className="app">
      <h1>Hello from Vibe</h1>
      <p>Edit <code>src/App.tsx</code> and watch this page change.</p>
      <button onClick={() => setCount((c) => c + 1)}>Count is {count}</button>
    </main>
  );
}
