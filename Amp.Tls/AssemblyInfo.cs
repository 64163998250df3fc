// The TLS layer, StartTLS and StopTLS arrive with the TLS issue; this assembly exists so the
// solution layout is fixed from the start.
[assembly: System.CLSCompliant(false)]
