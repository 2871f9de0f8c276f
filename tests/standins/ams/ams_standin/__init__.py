"""TEST DOUBLE for Ant Media Server Enterprise, built for the lowlatency.alicloud role tests.

This is not Ant Media Server. It reads the files AMS reads (conf/red5.properties, conf/jee-container.xml,
webapps/*/WEB-INF/red5-web.properties), serves HTTP on http.port with the application paths and a few
REST endpoints, and in cluster mode registers and heartbeats in MongoDB's clusterdb.clusternode the way
AMS does. See tests/standins/README.md for what it models and what it does not.
"""
