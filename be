RTNETLINK answers: Operation not supported
Dump terminated
