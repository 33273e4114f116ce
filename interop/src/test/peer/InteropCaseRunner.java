import io.grpc.testing.integration.TestServiceClient;

/**
 * Runs grpc-java's interop client, unchanged, once per test case in one JVM (the interop suite's
 * class path, launched as a single source file), so that a dozen cases cost one JVM start instead
 * of a dozen. Prints {@code CASE <name> PASS} or {@code CASE <name> FAIL} followed by the failure.
 * <p>
 * Arguments: {@code host port case...}
 */
public class InteropCaseRunner {

	public static void main(String[] args) {
		for (int i = 2; i < args.length; i++) {
			String testCase = args[i];
			try {
				TestServiceClient.main(new String[] { "--server_host=" + args[0], "--server_port=" + args[1],
						"--use_tls=false", "--test_case=" + testCase });
				System.out.println("CASE " + testCase + " PASS");
			}
			catch (Throwable failure) {
				System.out.println("CASE " + testCase + " FAIL");
				failure.printStackTrace(System.out);
				System.out.println("CASE " + testCase + " END");
			}
		}
		System.out.flush();
		// The client's channels use daemon threads, but a stray non-daemon one must not keep the JVM up.
		System.exit(0);
	}

}
