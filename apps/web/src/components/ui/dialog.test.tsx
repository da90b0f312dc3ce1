import { cleanup, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { Dialog, DialogBody } from "./dialog";

function Harness({ autoFocusSecond }: { autoFocusSecond?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Rename">
        <DialogBody>
          <input aria-label="First" />
          <input aria-label="Second" autoFocus={autoFocusSecond} />
        </DialogBody>
      </Dialog>
    </>
  );
}

describe("Dialog", () => {
  afterEach(cleanup);

  it("focuses the field that asked for it, not the close button, when it opens", async () => {
    render(<Harness autoFocusSecond />);
    screen.getByText("Open").click();
    expect(await screen.findByLabelText("Second")).toBe(document.activeElement);
  });

  it("focuses the first field when none asked for focus", async () => {
    render(<Harness />);
    screen.getByText("Open").click();
    expect(await screen.findByLabelText("First")).toBe(document.activeElement);
  });
});
