import type { Document } from "@atrium/contracts";
import { ApiError, api } from "../../lib/api-client";
import { authStore } from "../../lib/auth-store";
import { uploadErrorFromResponse } from "./upload-queue";

export interface UploadRequest {
  /** API path: /documents, or /documents/:id/versions for a new version. */
  path: string;
  /** Text fields, sent before the file (the server reads them first): tenantId, password, tags. */
  fields: Record<string, string | undefined>;
  file: Blob;
  filename: string;
  onProgress?: (loaded: number) => void;
  signal?: AbortSignal;
}

function sendOnce(request: UploadRequest, token: string | null): Promise<Document> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(request.fields)) if (value) form.append(name, value);
    form.append("file", request.file, request.filename);

    // XMLHttpRequest, not fetch: only it reports how much of the body has been sent.
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1${request.path}`);
    xhr.setRequestHeader("Accept", "application/json");
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (event) => request.onProgress?.(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        request.onProgress?.(request.file.size);
        resolve(JSON.parse(xhr.responseText) as Document);
        return;
      }
      reject(uploadErrorFromResponse(xhr.status, xhr.responseText, xhr.getResponseHeader("x-request-id") ?? undefined));
    };
    xhr.onerror = () => reject(uploadErrorFromResponse(0, ""));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    request.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

/**
 * Uploads a file as multipart/form-data with the session's token, reporting bytes sent. An expired
 * token is renewed (shared with the api client's other calls) and the upload sent once more.
 */
export async function sendUpload(request: UploadRequest): Promise<Document> {
  const token = authStore.getAccessToken();
  try {
    return await sendOnce(request, token);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "auth.token_expired") throw error;
    const refusal = await api.refresh(token);
    if (refusal !== null) throw error;
    request.onProgress?.(0);
    return sendOnce(request, authStore.getAccessToken());
  }
}
