"""Builds the stand-in artefacts (TEST DOUBLES): mongodb-org .debs, a signed apt repository laid out like
repo.mongodb.org, and Ant Media Server Enterprise stand-in zips. Run through tests/standins/build.sh."""
