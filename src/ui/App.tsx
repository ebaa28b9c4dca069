export function App() {
  return (
    <main>
      <h1>QSM Workbench</h1>
      <p>Deep-learning dipole inversion for quantitative susceptibility mapping, in your browser.</p>
    </main>
  );
}
